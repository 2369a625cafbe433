// Serves telegram-test-api (a third-party Telegram Bot API emulator, from npm) on 127.0.0.1.
//
//   node serve.js PORT
//
// Two answers of this emulator break every python-telegram-bot bot, so they are completed here,
// outside the emulator, as Telegram documents them: getMe lacks the required `is_bot`, and a
// sent message's `date` is in milliseconds instead of seconds. Everything else (update
// numbering, getUpdates without long polling, no setMyCommands, state lost on restart) is the
// emulator's own behaviour.
'use strict';

const http = require('http');
const express = require('express');
const TelegramServer = require('telegram-test-api');

const port = Number(process.argv[2]);
const emulator = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });

const addBotMessage = emulator.addBotMessage.bind(emulator);
emulator.addBotMessage = (message, token) => {
  const sent = addBotMessage(message, token);
  sent.date = Math.floor(sent.date / 1000);
  return sent;
};

const app = express();
app.all('/bot:token/getMe', (req, res) => {
  res.json({
    ok: true,
    result: { id: 666, is_bot: true, first_name: 'Test First name', username: 'TestNameBot' },
  });
});
app.use(emulator.webServer);

const server = http.createServer(app);
server.listen(port, '127.0.0.1', () => console.log(`listening on ${port}`));
