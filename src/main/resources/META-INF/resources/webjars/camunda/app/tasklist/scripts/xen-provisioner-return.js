// xen-provisioner: back to the audit page after logging in.
// The audit page sends a browser without a login to Tasklist with ?xp-return=<the audit page's
// path>, and the browser keeps the page's #batch=... (or #plan=...) fragment across that redirect. This script
// runs before Tasklist routes (which replaces the fragment), remembers where to go, and goes there
// once the user is logged in. Only the audit page is ever a target, so the parameter cannot send
// anyone elsewhere.
const wanted = new URLSearchParams(window.location.search).get('xp-return');
const fragment = window.location.hash;
const target = wanted && /^(\/[\w.-]+)*\/audit(\/[\w.-]*)*$/.test(wanted)
  ? wanted + (/^#(batch|plan)=[\w.-]+(&guest=[\w.-]+)?$/.test(fragment) ? fragment : '')
  : null;

if (target) {
  // the page is <app-root>/app/tasklist/<engine>/
  const engine = window.location.pathname.split('/').filter(part => part).pop();
  const appRoot = document.querySelector('base').getAttribute('app-root');
  const goBackWhenLoggedIn = async () => {
    const user = await fetch(appRoot + '/api/admin/auth/user/' + encodeURIComponent(engine),
      { credentials: 'same-origin', headers: { Accept: 'application/json' } });
    if (user.ok) {
      window.location.replace(target);
    }
  };
  // Tasklist leaves its #/login route when the login succeeds
  window.addEventListener('hashchange', () => {
    if (!window.location.hash.startsWith('#/login')) {
      goBackWhenLoggedIn();
    }
  });
  goBackWhenLoggedIn();
}
