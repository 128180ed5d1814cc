// Live chat pages, served from 'self' (/plugins/live-chat/chat.js): the CSP
// allows no inline script. Without JavaScript every form still posts and
// redirects, and a reload shows new messages; here:
// - a chat page ([data-chat-events]) listens to the chat's event stream and
//   appends each new message (text only, never HTML); the browser resumes
//   after a dropped connection with Last-Event-ID, and a message already
//   shown (its data-seq) is never shown twice;
// - its message form is sent with fetch (the form's own fields, _csrf
//   included) and the box is cleared: the message arrives through the stream;
// - a status change (taken, ended) reloads the page;
// - the console ([data-console-events]) reloads when the queue changes.
(function () {
  'use strict';

  function formatTime(iso) {
    var date = new Date(iso);
    return isNaN(date.getTime()) ? '' : date.toLocaleString();
  }

  function messageItem(message) {
    var li = document.createElement('li');
    li.className = 'card mb-2' + (message.fromStaff ? ' border-primary' : '');
    li.setAttribute('data-seq', String(message.seq));
    var header = document.createElement('div');
    header.className = 'card-header';
    var who = document.createElement('div');
    var name = document.createElement('strong');
    name.textContent = message.authorName;
    who.appendChild(name);
    if (message.fromStaff) {
      var badge = document.createElement('span');
      badge.className = 'badge bg-blue-lt';
      badge.textContent = 'Support';
      who.appendChild(document.createTextNode(' '));
      who.appendChild(badge);
    }
    var when = document.createElement('div');
    when.className = 'ms-auto text-secondary small';
    var time = document.createElement('time');
    time.setAttribute('datetime', message.at);
    time.textContent = formatTime(message.at);
    when.appendChild(time);
    header.appendChild(who);
    header.appendChild(when);
    var body = document.createElement('div');
    body.className = 'card-body app-message-body';
    var text = document.createElement('p');
    text.textContent = message.body;
    body.appendChild(text);
    li.appendChild(header);
    li.appendChild(body);
    return li;
  }

  function lastShown(list) {
    var items = list.querySelectorAll('[data-seq]');
    return items.length ? Number(items[items.length - 1].getAttribute('data-seq')) : 0;
  }

  function watchChat(list) {
    var source = new EventSource(list.getAttribute('data-chat-events'));
    source.addEventListener('message', function (event) {
      var message;
      try {
        message = JSON.parse(event.data);
      } catch (err) {
        return;
      }
      if (!message || typeof message.seq !== 'number' || message.seq <= lastShown(list)) return;
      list.appendChild(messageItem(message));
      list.lastChild.scrollIntoView({ block: 'nearest' });
    });
    source.addEventListener('status', function () {
      source.close();
      window.location.reload();
    });
    stopOnLeave(source);
  }

  // A form posted the normal way (take, end, availability) is leaving the
  // page: an event now must not reload it over the form's own answer.
  function stopOnLeave(source) {
    document.addEventListener('submit', function (event) {
      if (!event.defaultPrevented) source.close();
    });
    window.addEventListener('pagehide', function () {
      source.close();
    });
  }

  var PROBLEMS = {
    400: 'Write a message of at most 2,000 characters.',
    409: 'This chat has ended, or is not yours to answer yet. Reload the page.',
    429: 'You are sending messages too fast; wait a few seconds.',
  };

  function sendWithFetch(form) {
    var box = form.querySelector('textarea[name="body"]');
    var problem = form.querySelector('[data-chat-error]');
    var button = form.querySelector('button[type="submit"]');
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      if (!box.value.trim()) {
        problem.textContent = 'Write a message.';
        box.focus();
        return;
      }
      button.disabled = true;
      problem.textContent = '';
      fetch(form.action, {
        method: 'POST',
        body: new URLSearchParams(new FormData(form)),
        credentials: 'same-origin',
        redirect: 'manual',
      })
        .then(function (res) {
          // The form's answer is a 303 back to the page: sent.
          if (res.type === 'opaqueredirect' || res.ok) {
            box.value = '';
          } else {
            problem.textContent =
              PROBLEMS[res.status] || 'The message could not be sent. Reload the page and try again.';
          }
        })
        .catch(function () {
          problem.textContent = 'The message could not be sent: check your connection and try again.';
        })
        .then(function () {
          button.disabled = false;
          box.focus();
        });
    });
  }

  function watchConsole(element) {
    var source = new EventSource(element.getAttribute('data-console-events'));
    source.addEventListener('queue', function () {
      source.close();
      window.location.reload();
    });
    stopOnLeave(source);
  }

  function init() {
    var list = document.querySelector('[data-chat-events]');
    if (list && typeof EventSource !== 'undefined') watchChat(list);
    var form = document.querySelector('form[data-chat-form]');
    if (form && typeof fetch !== 'undefined') sendWithFetch(form);
    var consoleElement = document.querySelector('[data-console-events]');
    if (consoleElement && typeof EventSource !== 'undefined') watchConsole(consoleElement);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }
})();
