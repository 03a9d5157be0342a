import { api, query } from '../api.js';
import type { ApprovedMember, Member, MemberStatus, Page } from '../api-types.js';
import { confirmAction } from '../confirm.js';
import { badge, errorBox, h, table, when } from '../dom.js';
import type { View } from '../view.js';

type Action = 'approve' | 'suspend' | 'reinstate' | 'withdraw';

/**
 * The lifecycle actions offered for a status. A convenience only: the hub decides whether a
 * transition is allowed (a 409 otherwise, shown as it comes), and only admins may make one.
 */
const ACTIONS: Record<MemberStatus, Action[]> = {
  pending: ['approve', 'withdraw'],
  active: ['suspend', 'withdraw'],
  suspended: ['reinstate', 'withdraw'],
  withdrawn: [],
};

const EXPLAIN: Record<Action, string> = {
  approve: 'The member becomes active and gets its first API key.',
  suspend: 'Every interconnection of the member stops at once; its credentials are refused until it is reinstated.',
  reinstate: 'The member becomes active again.',
  withdraw: 'The member leaves the federation for good (withdrawn is final).',
};

/** Pending applications first, then every member with its status, and the lifecycle actions. */
export const membersView: View = async (root, { isAdmin }) => {
  const notices = h('div', {});
  const pending = h('div', {});
  const all = h('div', {});
  root.append(
    notices,
    h('h2', {}, 'Pending applications'),
    pending,
    h('h2', {}, 'All members'),
    all,
    isAdmin ? '' : h('p', { class: 'muted' }, 'You are an auditor: you can look at everything and change nothing.'),
  );

  const act = async (member: Member, action: Action) => {
    const reason = await confirmAction(`${capitalise(action)} ${member.domain}?`, EXPLAIN[action]);
    if (reason === null) return;
    try {
      const result = await api<Member | ApprovedMember>(`/members/${encodeURIComponent(member.domain)}/${action}`, {
        method: 'POST',
        body: reason ? { reason } : {},
      });
      notices.replaceChildren(h('div', { class: 'notice', role: 'status' }, `${member.domain}: ${action} done.`));
      if ('apiKey' in result) notices.append(firstKeyNotice(member.domain, result.apiKey.token));
    } catch (error) {
      notices.replaceChildren(errorBox(error));
    }
    await load();
  };

  const actions = (member: Member) =>
    isAdmin
      ? h(
          'div',
          { class: 'actions' },
          ...ACTIONS[member.status].map((action) =>
            h(
              'button',
              {
                class: action === 'approve' || action === 'reinstate' ? 'primary' : 'danger',
                'data-action': action,
                onclick: () => void act(member, action),
              },
              capitalise(action),
            ),
          ),
        )
      : '';

  const memberTable = (members: Member[]) =>
    table(['Domain', 'Name', 'Protocols', 'Status', 'Since', 'Reason', ''], members, (m) => [
      m.domain,
      m.displayName,
      m.protocols.join(', '),
      badge(m.status),
      when(m.statusChangedAt),
      m.statusReason ?? '',
      actions(m),
    ]);

  async function load() {
    const applications = await api<Page<Member>>(`/members${query({ status: 'pending', limit: 200 })}`);
    pending.replaceChildren(
      applications.items.length ? memberTable(applications.items) : h('p', { class: 'empty' }, 'No application waits.'),
    );
    const members: Member[] = [];
    const more = h('button', { onclick: () => void next() }, 'Load more');
    let cursor: string | null = null;
    const next = async () => {
      const page: Page<Member> = await api<Page<Member>>(`/members${query({ limit: 100, cursor })}`);
      members.push(...page.items);
      cursor = page.nextCursor;
      all.replaceChildren(members.length ? memberTable(members) : h('p', { class: 'empty' }, 'No members yet.'));
      if (cursor) all.append(more);
    };
    await next();
  }
  await load();
};

function firstKeyNotice(domain: string, token: string): HTMLElement {
  return h(
    'div',
    { class: 'notice', role: 'status', 'data-first-key': domain },
    `First API key of ${domain}, shown only now (the applicant can also collect its own with its claim secret): `,
    h('code', {}, token),
  );
}

const capitalise = (word: string) => word[0].toUpperCase() + word.slice(1);
