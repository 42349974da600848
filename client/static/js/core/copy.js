/* Copy text to the clipboard; where that is not allowed (plain http, a refusal), select it in
 * `input` and try the old copy command, so Ctrl+C works at least. `flash(on)`, if given, is called
 * with true once copied and with false two seconds later (the button says "Copied" meanwhile). */

export function copyText(text, input, flash) {
  var copied;
  if (navigator.clipboard && window.isSecureContext) {
    copied = navigator.clipboard.writeText(text).catch(function () {
      return fallbackCopy(input);
    });
  } else {
    copied = Promise.resolve(fallbackCopy(input));
  }
  if (!flash) return copied;
  return copied.then(function (result) {
    flash(true);
    window.setTimeout(function () {
      flash(false);
    }, 2000);
    return result;
  });
}

function fallbackCopy(input) {
  if (!input) return false;
  input.focus();
  input.select();
  try {
    return document.execCommand("copy");
  } catch (e) {
    return false;
  }
}
