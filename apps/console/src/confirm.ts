/**
 * Asks before a change: the page's <dialog> with the action, what it does, and an optional reason
 * for the audit trail. Resolves to the reason ('' when none was given), or null when cancelled.
 */
export function confirmAction(title: string, text: string): Promise<string | null> {
  const dialog = document.getElementById('confirm') as HTMLDialogElement;
  const reason = document.getElementById('confirm-reason') as HTMLTextAreaElement;
  (document.getElementById('confirm-title') as HTMLElement).textContent = title;
  (document.getElementById('confirm-text') as HTMLElement).textContent = text;
  reason.value = '';
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm' ? reason.value.trim() : null), {
      once: true,
    });
  });
}
