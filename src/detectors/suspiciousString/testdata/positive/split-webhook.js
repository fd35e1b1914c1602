// Shows: a webhook endpoint assembled from literal pieces and an array join; the folded value is what the code uses.
const a = 'https://hooks.sl' + 'ack.com/services/T000/B000/XXXX';
const b = ['https://api.tele', 'gram.org/bot123:ABC/sendMessage'].join('');
module.exports = { a, b };
