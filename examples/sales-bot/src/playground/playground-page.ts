import { playgroundScript } from './playground-script.js';

/**
 * The playground's single page: the chat (posting to the API and polling for replies), the funnel's
 * state chart drawn from the machine definition with the chat's state highlighted, the live trace of
 * every message, and the fault switches. Plain HTML, CSS, SVG and JavaScript: no build step.
 */
export const playgroundPage = `<!doctype html>
<html lang="uk">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Botkeel sales bot — playground</title>
<style>
  * { box-sizing: border-box; }
  body { font: 15px/1.4 system-ui, sans-serif; margin: 0; padding: 1rem; color: #1d232a; }
  h1 { font-size: 1.3rem; margin: 0 0 .25rem; } h2 { font-size: 1rem; margin: 0 0 .5rem; }
  .lead { margin: 0 0 .75rem; color: #555; }
  .layout { display: grid; grid-template-columns: minmax(20rem, 1fr) 19rem minmax(22rem, 1.3fr); gap: 1rem; }
  section { border: 1px solid #d5d9de; border-radius: .5rem; padding: .75rem; min-width: 0; }
  #log { height: 55vh; overflow-y: auto; }
  .user, .bot { margin: .4rem 0; padding: .4rem .7rem; border-radius: .7rem; max-width: 85%; white-space: pre-wrap; }
  .user { background: #dcf1ff; margin-left: auto; } .bot { background: #f1f1f1; }
  .note { color: #888; font-size: .85rem; text-align: center; }
  form { display: flex; gap: .5rem; margin-top: .75rem; } input[type=text] { flex: 1; padding: .5rem; }
  .buttons button { margin: .2rem .2rem 0 0; }
  #chart svg { width: 100%; height: auto; }
  #chart rect { fill: #f4f6f8; stroke: #9aa5b1; rx: 6; }
  #chart g.current rect { fill: #ffd54f; stroke: #c68f00; stroke-width: 2.5; }
  #chart g.final rect { stroke-dasharray: 4 2; }
  #chart text { font-size: 11px; dominant-baseline: middle; }
  #chart path { fill: none; stroke: #b7c0ca; marker-end: url(#arrow); }
  #chart .hint { font-size: 10px; fill: #777; }
  #faults label { display: block; margin: .3rem 0; font-size: .9rem; }
  #traces { height: 70vh; overflow-y: auto; font-size: .82rem; }
  .trace { border-top: 1px solid #e3e6ea; padding: .4rem 0; }
  .trace h3 { font-size: .85rem; margin: 0 0 .25rem; }
  .step { display: grid; grid-template-columns: 9.5rem 4.2rem 1fr; gap: .4rem; padding: .1rem 0; }
  .step.error .name { color: #b00020; }
  .step .ms { text-align: right; font-variant-numeric: tabular-nums; }
  .step .attrs { color: #444; word-break: break-word; }
  .step .events { color: #8a5a00; }
  .providers { font-size: .85rem; color: #555; }
</style>
</head>
<body>
<h1>Sales bot playground</h1>
<p class="lead">The reference bot on memory stores, through the same <code>bot.handle</code> path as Telegram.
Try: “Привіт! Є худі в розмірі M?” <span id="providers" class="providers"></span></p>
<div class="layout">
  <section aria-label="Chat">
    <h2>Chat <small id="chat-id"></small></h2>
    <div id="log"></div>
    <form id="form"><input id="text" type="text" autocomplete="off" placeholder="Повідомлення…" required maxlength="4096"><button>Send</button></form>
  </section>
  <section aria-label="Funnel">
    <h2>Funnel: <span id="current-state">—</span></h2>
    <div id="chart"></div>
    <h2 style="margin-top:1rem">Fault switches</h2>
    <div id="faults"></div>
  </section>
  <section aria-label="Live trace">
    <h2>Live trace (newest first)</h2>
    <div id="traces"><p class="note">Send a message to see its path.</p></div>
  </section>
</div>
<script>${playgroundScript}</script>
</body>
</html>
`;
