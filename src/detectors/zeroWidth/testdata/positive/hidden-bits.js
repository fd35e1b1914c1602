// Shows: a string that looks empty but carries 48 zero-width characters (bits of hidden data).
const banner = '‌​‌‍​​‍​‌‍​‍​​​‌‌​​​‍‌​‍​​‍‍‍​‍‍‌​​​‍​‌‌​‍​‍‌‍‍​';
module.exports = { banner };
