// xen-provisioner: the approval form's plan links open the audit page in a new tab.
// The form (a Camunda Form) cannot say target="_blank": form-js sanitises its HTML and drops the
// attribute, and a plain link would take Tasklist, and the task being decided, out of the tab.
// Only links to our own audit page are opened so; every other link behaves as Tasklist makes it.
document.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
  if (!link || event.button !== 0) return;
  const url = new URL(link.getAttribute('href'), window.location.href);
  if (url.origin !== window.location.origin || !/^\/audit\/(index\.html)?$/.test(url.pathname)) return;
  event.preventDefault();
  event.stopPropagation();
  window.open(url.href, '_blank', 'noopener');
}, true);
