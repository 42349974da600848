/* Kring's Alpine registry: each module registers the components and stores it defines, and they are
 * handed to Alpine when it starts.
 *
 * How Alpine starts. A page loads its modules first (<script type="module">, client/templates/
 * base.html) and Alpine's CSP build last (a classic `defer` script). Module scripts and deferred
 * scripts run in document order once the page is parsed, a module together with everything it
 * imports, so every module has run (and called component() / store() below) before Alpine's script
 * does. The CSP build sets window.Alpine and calls Alpine.start() in a microtask; start()
 * dispatches "alpine:init", where the registrations are made, and only then walks the page.
 * No module may touch window.Alpine while it is being evaluated, only from inside a component or
 * an onInit() callback.
 *
 *   component(name, factory)   Alpine.data(name, factory)
 *   store(name, value)         Alpine.store(name, value)
 *   onInit(fn)                 fn(Alpine) at "alpine:init", in the order of registration
 *   define(target, ...extras)  copies each extra's property descriptors onto target (getters stay
 *                              getters, unlike Object.assign) and returns target
 */

if (window.Alpine) {
  // Alpine already ran: the components registered below would never reach it.
  console.error("kring: Alpine was loaded before the page's modules (client/templates/base.html)");
}

export function onInit(fn) {
  document.addEventListener("alpine:init", function () {
    fn(window.Alpine);
  });
}

export function component(name, factory) {
  onInit(function (A) {
    A.data(name, factory);
  });
}

export function store(name, value) {
  onInit(function (A) {
    A.store(name, value);
  });
}

export function define(target) {
  for (var i = 1; i < arguments.length; i++) {
    Object.defineProperties(target, Object.getOwnPropertyDescriptors(arguments[i]));
  }
  return target;
}
