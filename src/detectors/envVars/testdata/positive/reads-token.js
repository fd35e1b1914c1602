// Shows: named environment variable reads, including a secret-looking one.
const token = process.env.GITHUB_TOKEN;
const home = process.env['HOME'];
module.exports = { token, home };
