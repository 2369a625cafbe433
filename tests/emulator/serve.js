// Serves telegram-test-api (a third-party Telegram Bot API emulator, from npm) on 127.0.0.1.
//
//   node serve.js PORT
//
// A few answers of this emulator are not what Telegram sends, and would stop any
// python-telegram-bot bot; they are completed here, outside the emulator, as Telegram documents
// them (https://core.telegram.org/bots/api), so that the bot under test needs no workaround:
// - getMe lacks the required `is_bot`;
// - sendMessage echoes the request (chat_id, parse_mode, JSON-encoded options...) with a `date`
//   in milliseconds: the answer becomes the Message Telegram returns (ids, date in seconds,
//   chat, sender, text, inline keyboard);
// - editMessageText / editMessageReplyMarkup answer `null`: Telegram answers `true` for them
//   when it does not return the edited message.
// Everything else (update numbering, getUpdates without long polling and without offsets, no
// setMyCommands, state lost on restart) is the emulator's own behaviour.
'use strict';

const http = require('http');
const express = require('express');
const TelegramServer = require('telegram-test-api');

const port = Number(process.argv[2]);
// The first update id: the test restarts the emulator with the ids going on from where they
// were, as Telegram's never go back (an emulator that lost its state would start from 1).
const firstUpdateId = Number(process.argv[3] || 1);
const BOT = { id: 666, is_bot: true, first_name: 'Test First name', username: 'TestNameBot' };

const emulator = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });
emulator.updateId = firstUpdateId;
emulator.messageId = firstUpdateId;

const addBotMessage = emulator.addBotMessage.bind(emulator);
emulator.addBotMessage = (request, token) => {
  const sent = addBotMessage(request, token);
  const message = {
    message_id: sent.message_id,
    date: Math.floor(sent.date / 1000),
    chat: { id: sent.chat.id, type: 'private', first_name: 'Utente' },
    from: BOT,
    text: sent.text,
  };
  if (sent.reply_markup) message.reply_markup = sent.reply_markup;
  return message;
};

const app = express();
app.all('/bot:token/getMe', (req, res) => res.json({ ok: true, result: BOT }));
for (const method of ['editMessageText', 'editMessageReplyMarkup']) {
  app.all(`/bot:token/${method}`, express.json(), express.urlencoded({ extended: true }),
    (req, res) => {
      emulator[method](req.body);
      res.json({ ok: true, result: true });
    });
}
app.use(emulator.webServer);

const server = http.createServer(app);
server.listen(port, '127.0.0.1', () => console.log(`listening on ${port}`));
