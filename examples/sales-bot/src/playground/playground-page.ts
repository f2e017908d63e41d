/** The playground's single page: a chat box that posts to the API and polls for replies. */
export const playgroundPage = `<!doctype html>
<html lang="uk">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Botkeel sales bot — playground</title>
<style>
  body { font: 16px/1.4 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
  #log { border: 1px solid #ccc; border-radius: .5rem; height: 60vh; overflow-y: auto; padding: .75rem; }
  .user, .bot { margin: .4rem 0; padding: .4rem .7rem; border-radius: .7rem; max-width: 85%; white-space: pre-wrap; }
  .user { background: #dcf1ff; margin-left: auto; } .bot { background: #f1f1f1; }
  .note { color: #888; font-size: .85rem; text-align: center; }
  form { display: flex; gap: .5rem; margin-top: .75rem; } input { flex: 1; padding: .5rem; }
  .buttons button { margin: .2rem .2rem 0 0; }
</style>
</head>
<body>
<h1>Sales bot playground</h1>
<p>Talk to the reference bot running on memory stores. Try: “Привіт! Є худі в розмірі M?”</p>
<div id="log"></div>
<form id="form"><input id="text" autocomplete="off" placeholder="Повідомлення…" required maxlength="4096"><button>Send</button></form>
<script>
  const chatId = localStorage.chatId || (localStorage.chatId = 'web-' + Math.random().toString(36).slice(2, 10));
  let after = 0;
  const log = document.getElementById('log');
  function add(kind, text, buttons) {
    const line = document.createElement('div');
    line.className = kind;
    line.textContent = text;
    if (buttons && buttons.length) {
      const row = document.createElement('div');
      row.className = 'buttons';
      for (const button of buttons) {
        const element = document.createElement('button');
        element.textContent = button.text;
        element.onclick = () => send(button.text);
        row.appendChild(element);
      }
      line.appendChild(row);
    }
    log.appendChild(line);
    log.scrollTop = log.scrollHeight;
  }
  async function send(text) {
    add('user', text);
    const response = await fetch('/api/chats/' + chatId + '/messages', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, locale: (navigator.language || 'uk').slice(0, 2) === 'en' ? 'en' : undefined }),
    });
    const ack = await response.json();
    if (ack.status && ack.status !== 'accepted') add('note', ack.status + (ack.reason ? ': ' + ack.reason : ''));
  }
  async function poll() {
    try {
      const response = await fetch('/api/chats/' + chatId + '/replies?after=' + after);
      const { replies } = await response.json();
      for (const reply of replies) { add('bot', reply.text, reply.buttons); after = reply.sequence; }
    } catch {}
    setTimeout(poll, 700);
  }
  document.getElementById('form').onsubmit = (event) => {
    event.preventDefault();
    const input = document.getElementById('text');
    if (input.value.trim()) void send(input.value.trim());
    input.value = '';
  };
  poll();
</script>
</body>
</html>
`;
