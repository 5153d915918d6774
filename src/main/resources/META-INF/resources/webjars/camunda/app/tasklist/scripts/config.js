// Tasklist's configuration for xen-provisioner. It replaces the config.js of the Camunda webjar
// (same path on the classpath, ours first): Camunda's keyboard shortcuts as shipped with 7.24,
// plus two custom scripts: xen-provisioner-return.js brings a user who was sent here to log in from
// the audit page back to it; xen-provisioner-plan-links.js opens the approval form's plan links in a
// new tab. See the Camunda docs, "Tasklist / Configuration".
export default {
  customScripts: ['scripts/xen-provisioner-return', 'scripts/xen-provisioner-plan-links'],

  shortcuts: {
    claimTask: {
      key: 'ctrl+alt+c',
      description: 'claims the currently selected task'
    },
    focusFilter: {
      key: 'ctrl+shift+f',
      description: 'set the focus to the first filter in the list'
    },
    focusList: {
      key: 'ctrl+alt+l',
      description: 'sets the focus to the first task in the list'
    },
    focusForm: {
      key: 'ctrl+alt+f',
      description: 'sets the focus to the first input field in a task form'
    },
    startProcess: {
      key: 'ctrl+alt+p',
      description: 'opens the start process modal dialog'
    }
  }
};
