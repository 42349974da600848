/* Kring werkvraag checklist: rough signals for the four marks of a good werkvraag (domain.md §3:
 * a concrete recent event, first person, about three sentences, ending in a question about one's
 * own action). A writing aid, not a rule. Used by the room's case editor and the group page.
 *
 *   checklist(text, L)  [{id, text, mark, cls, state}] with L the catalog (kringI18n.dict(lang))
 *   sentences(text)     the number of sentences, counted as the server does (the limit on a pitch
 *                       is limits().sentences)
 */

var FIRST_PERSON = /(^|[^a-zà-ÿ])(ik|mij|me|mijn|i|me|my|myself)([^a-zà-ÿ]|$)/i;
var EVENT_WORDS =
  /(gisteren|vandaag|vorige|afgelopen|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|week|maand|toen|sinds|laatst|yesterday|today|last|monday|tuesday|wednesday|thursday|friday|week|month|when|since|recently|\d)/i;

function parts(text) {
  return text.split(/[.!?]+(?:\s+|$)/).filter(function (s) {
    return s.trim();
  });
}

export function checklist(text, L) {
  text = (text || "").trim();
  var ps = parts(text);
  var last = ps.length ? ps[ps.length - 1] : "";
  var items = [
    { id: "event", ok: EVENT_WORDS.test(text), text: L.checkEvent },
    { id: "first", ok: FIRST_PERSON.test(text), text: L.checkFirstPerson },
    { id: "three", ok: ps.length >= 2 && ps.length <= 4, text: L.checkThree },
    { id: "own", ok: /\?\s*$/.test(text) && FIRST_PERSON.test(last), text: L.checkOwnAction },
  ];
  return items.map(function (it) {
    return {
      id: it.id,
      text: it.text,
      mark: it.ok ? "✓" : "○",
      cls: "check-item" + (it.ok ? " is-ok" : ""),
      state: it.ok ? " (" + L.checkOk + ")" : " (" + L.checkOpen + ")",
    };
  });
}

export function sentences(text) {
  return parts(text || "").length;
}
