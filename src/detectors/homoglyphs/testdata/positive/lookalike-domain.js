// Shows: a host name with a Cyrillic `а` (U+0430) that reads as paypal.example but is another domain.
const endpoint = 'https://pаypal.example/api/session';
module.exports = { endpoint };
