// Shows: raw RLO/LRI/PDI characters in a comment make an access check display as commented out (Trojan Source).
function canDelete(user) {
  var isAdmin = user.role === 'admin';
  /*‮ } ⁦if (isAdmin)⁩ ⁦ only admins may delete */
  return true;
}
module.exports = canDelete;
