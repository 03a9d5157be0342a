import { api } from '../api.js';
import type { ChainVerification } from '../api-types.js';
import { errorBox, h } from '../dom.js';
import type { View } from '../view.js';

/** The transparency log's chain, recomputed by the hub on request (GET /admin/v1/transparency/verification). */
export const transparencyView: View = async (root) => {
  const status = h('div', {});
  root.append(
    h(
      'p',
      {},
      'Every policy change (federation mode, offers and agreements, blocks) is appended to a hash-chained log that members can read and check. The hub recomputes the whole chain now:',
    ),
    status,
    h('p', {}, h('button', { onclick: () => void verify() }, 'Verify again')),
  );
  async function verify() {
    status.replaceChildren(h('p', { class: 'muted' }, 'Verifying…'));
    try {
      const result = await api<ChainVerification>('/transparency/verification');
      status.replaceChildren(
        result.ok
          ? h(
              'div',
              { class: 'status-box ok', 'data-chain': 'intact' },
              'The chain is intact: every link checks out. ',
              h('small', { class: 'muted' }, `(${new Date().toLocaleString()})`),
            )
          : h(
              'div',
              { class: 'status-box bad', 'data-chain': 'broken' },
              `The chain is broken at entry ${result.brokenAt ?? '?'}: ${result.reason ?? ''}${result.detail ? ` (${result.detail})` : ''}`,
            ),
      );
    } catch (error) {
      status.replaceChildren(errorBox(error));
    }
  }
  await verify();
};
