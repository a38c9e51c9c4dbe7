// The log page's live view: keeps at most data-max-lines lines in the page,
// stays scrolled to the bottom while the reader is there, and says so when
// the live stream stops without the server's own end notice (connection lost).
(function () {
  'use strict';
  var output = document.getElementById('log-output');
  if (!output) return;
  var maxLines = Number(output.getAttribute('data-max-lines')) || 2000;
  var atBottom = true;

  output.addEventListener('scroll', function () {
    atBottom = output.scrollHeight - output.scrollTop - output.clientHeight < 24;
  });

  function trim() {
    var lines = output.getElementsByClassName('log-line');
    var excess = lines.length - maxLines;
    for (var i = 0; i < excess; i++) lines[0].remove();
    if (atBottom) output.scrollTop = output.scrollHeight;
  }

  new MutationObserver(trim).observe(output, { childList: true });
  trim();

  output.addEventListener('htmx:sse:close', function () {
    if (output.querySelector('.log-end')) return;
    var notice = document.createElement('p');
    notice.className = 'notice notice-error log-end';
    notice.setAttribute('role', 'alert');
    notice.textContent = 'The live log stopped: the connection to Berth was lost. Reload the page to follow it again.';
    output.appendChild(notice);
  });
})();
