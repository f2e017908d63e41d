/**
 * The page's script: plain browser JavaScript, inlined into the page. It polls the JSON API every
 * 700 ms for replies, the chat's funnel state and its traces, and flips fault switches.
 */
export const playgroundScript = String.raw`
  const query = new URLSearchParams(location.search);
  const chatId = query.get('chat') || localStorage.chatId || (localStorage.chatId = 'web-' + Math.random().toString(36).slice(2, 10));
  document.getElementById('chat-id').textContent = '(' + chatId + ')';
  const api = '/api/chats/' + encodeURIComponent(chatId);
  const sentTexts = new Map();
  let after = 0;
  let lastTraces = '';
  let handoffState = 'STATE_ESCALATED';
  const log = document.getElementById('log');
  const svgNs = 'http://www.w3.org/2000/svg';

  function element(tag, attributes, text) {
    const node = tag.startsWith('svg:') ? document.createElementNS(svgNs, tag.slice(4)) : document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function add(kind, text, buttons) {
    const line = element('div', { class: kind }, text);
    if (buttons && buttons.length) {
      const row = element('div', { class: 'buttons' });
      for (const button of buttons) {
        const control = element('button', {}, button.text);
        control.onclick = () => send(button.text);
        row.appendChild(control);
      }
      line.appendChild(row);
    }
    log.appendChild(line);
    log.scrollTop = log.scrollHeight;
  }

  async function send(text) {
    add('user', text);
    const response = await fetch(api + '/messages', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ text, locale: (navigator.language || 'uk').slice(0, 2) === 'en' ? 'en' : undefined }),
    });
    const ack = await response.json();
    if (ack.traceId) sentTexts.set(ack.traceId, text);
    if (ack.status && ack.status !== 'accepted') add('note', ack.status + (ack.reason ? ': ' + ack.reason : ''));
  }

  function drawChart(chart) {
    const states = chart.states;
    const rowHeight = 34, boxHeight = 24, boxWidth = 150, left = 6;
    const index = new Map(states.map((state, position) => [state.name, position]));
    const svg = element('svg:svg', { viewBox: '0 0 260 ' + (states.length * rowHeight + 10), role: 'img', 'aria-label': 'Funnel state chart' });
    const defs = element('svg:defs');
    const marker = element('svg:marker', { id: 'arrow', viewBox: '0 0 6 6', refX: '5', refY: '3', markerWidth: '6', markerHeight: '6', orient: 'auto' });
    marker.appendChild(element('svg:path', { d: 'M0,0 L6,3 L0,6 z', style: 'fill:#b7c0ca;stroke:none' }));
    defs.appendChild(marker);
    svg.appendChild(defs);
    const middle = (position) => 6 + position * rowHeight + boxHeight / 2;
    for (const state of states) {
      const from = index.get(state.name);
      for (const target of state.targets) {
        if (target === handoffState) continue;
        const to = index.get(target);
        const bend = left + boxWidth + 10 + 9 * Math.abs(to - from);
        const x = left + boxWidth;
        svg.appendChild(element('svg:path', { d: 'M' + x + ',' + (middle(from) - 3) + ' C' + bend + ',' + middle(from) + ' ' + bend + ',' + middle(to) + ' ' + (x + 2) + ',' + (middle(to) + 3) }));
      }
    }
    for (const state of states) {
      const position = index.get(state.name);
      const group = element('svg:g', { 'data-state': state.name, class: state.isFinal ? 'final' : '' });
      group.appendChild(element('svg:rect', { x: left, y: 6 + position * rowHeight, width: boxWidth, height: boxHeight }));
      group.appendChild(element('svg:text', { x: left + 8, y: middle(position) }, state.name));
      const title = element('svg:title', {}, state.name + (state.events.length ? ' — leaves on ' + state.events.join(', ') : ''));
      group.appendChild(title);
      svg.appendChild(group);
    }
    const last = states.length - 1;
    svg.appendChild(element('svg:text', { class: 'hint', x: left, y: 6 + last * rowHeight + boxHeight + 4 }, 'ESCALATE: from any state'));
    document.getElementById('chart').replaceChildren(svg);
  }

  function showState(state) {
    document.getElementById('current-state').textContent = state || '—';
    for (const group of document.querySelectorAll('#chart g[data-state]')) {
      const isCurrent = group.getAttribute('data-state') === state;
      group.classList.toggle('current', isCurrent);
      if (isCurrent) group.setAttribute('aria-current', 'step'); else group.removeAttribute('aria-current');
    }
  }

  function describe(value) {
    return Array.isArray(value) ? (value.length ? value.join('|') : '[]') : String(value);
  }

  function drawTraces(traces) {
    const box = document.getElementById('traces');
    const cards = traces.slice().reverse().map((trace) => {
      const card = element('div', { class: 'trace', 'data-trace': trace.traceId });
      const said = sentTexts.get(trace.traceId);
      const totalMs = Math.round(Math.max(0, ...trace.steps.map((step) => step.offsetMs + step.durationMs)));
      card.appendChild(element('h3', {}, (said ? '“' + said + '”' : 'trace') + ' · ' + trace.traceId.slice(-8) + ' · ' + totalMs + ' ms'));
      for (const step of trace.steps) {
        const row = element('div', { class: 'step' + (step.isError ? ' error' : ''), 'data-step': step.name });
        row.appendChild(element('span', { class: 'name' }, step.name.replace(/^botkeel\./, '')));
        row.appendChild(element('span', { class: 'ms' }, step.durationMs + ' ms'));
        const details = Object.entries(step.attributes)
          .map(([name, value]) => name.replace(/^(botkeel|playground)\./, '') + '=' + describe(value))
          .join('  ');
        const attrs = element('span', { class: 'attrs' }, details);
        if (step.events.length) attrs.appendChild(element('div', { class: 'events' }, step.events.join(' → ')));
        row.appendChild(attrs);
        card.appendChild(row);
      }
      return card;
    });
    if (cards.length) box.replaceChildren(...cards);
  }

  async function drawFaults() {
    const { faults, labels } = await (await fetch('/api/faults')).json();
    const box = document.getElementById('faults');
    box.replaceChildren(...Object.keys(faults).map((name) => {
      const label = element('label');
      const box = element('input', { type: 'checkbox', name, 'data-fault': name });
      box.checked = faults[name];
      box.onchange = async () => {
        await fetch('/api/faults', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, isOn: box.checked }) });
      };
      label.append(box, ' ' + labels[name]);
      return label;
    }));
  }

  async function poll() {
    try {
      const { replies } = await (await fetch(api + '/replies?after=' + after)).json();
      for (const reply of replies) { add('bot', reply.text, reply.buttons); after = reply.sequence; }
      const { state } = await (await fetch(api + '/state')).json();
      showState(state);
      const { traces } = await (await fetch(api + '/traces')).json();
      const text = JSON.stringify(traces);
      if (text !== lastTraces) { lastTraces = text; drawTraces(traces); }
    } catch {}
    setTimeout(poll, 700);
  }

  async function start() {
    try {
      const { chart, providers } = await (await fetch('/api/funnel')).json();
      if (chart) {
        handoffState = chart.states.some((state) => state.name === 'STATE_ESCALATED') ? 'STATE_ESCALATED' : '';
        drawChart(chart);
      }
      const offline = providers.length && providers[0].startsWith('offline-demo');
      document.getElementById('providers').textContent = 'Model providers: ' + providers.join(' → ') + (offline ? ' (offline demo: no OPENAI_API_KEY)' : '');
      await drawFaults();
    } catch {}
    poll();
  }

  document.getElementById('form').onsubmit = (event) => {
    event.preventDefault();
    const input = document.getElementById('text');
    if (input.value.trim()) void send(input.value.trim());
    input.value = '';
  };
  start();
`;
