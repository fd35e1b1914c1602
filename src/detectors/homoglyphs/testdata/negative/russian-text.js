// Must not match: Russian UI strings (one with a stray Latin C), a Cyrillic character range, Greek maths and a mixed-script comment.
// Сохранить и Cлучай: comments are never read
const messages = {
  save: 'Cохранить изменения',
  cancel: 'Отмена',
  user: 'Пользователь Admin',
};
const letters = /[a-zA-Zа-яА-ЯёЁ]/;
const unit = 'μs';
const σ = 0.5;
module.exports = { messages, letters, unit, σ };
