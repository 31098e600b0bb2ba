import type { CaseState, Tranche } from './case-state';

/**
 * In-kind help is paid to vendors in tranches, each approved before payment, never above the
 * approved budget.
 */

export function approvedBudget(state: CaseState): number {
  return state.plan?.status === 'approved' ? state.plan.budgetXof : 0;
}

/** What the tranches still standing (requested, approved or paid) commit of the budget. */
export function committedXof(state: CaseState): number {
  return state.tranches.filter((t) => t.status !== 'rejected' && t.status !== 'cancelled').reduce((sum, t) => sum + t.amountXof, 0);
}

export function paidXof(state: CaseState): number {
  return state.tranches.filter((t) => t.status === 'paid').reduce((sum, t) => sum + t.amountXof, 0);
}

/** Tranches a vendor may still be owed: requested or approved, not yet paid or cancelled. */
export function unsettledTranches(state: CaseState): Tranche[] {
  return state.tranches.filter((t) => t.status === 'requested' || t.status === 'approved');
}

/** The help is delivered: everything approved is paid (the budget, or what a supervisor reduced it to). */
export function isFullyPaid(state: CaseState): boolean {
  return state.plan?.status === 'approved' && paidXof(state) >= state.plan.budgetXof;
}

/** The first payment's date, when monitoring may start before the whole budget is paid. */
export function firstPaymentAt(state: CaseState): string | undefined {
  return state.tranches
    .filter((t) => t.status === 'paid' && t.paidAt)
    .map((t) => t.paidAt!)
    .sort()[0];
}

/** What a tranche's items add up to; undefined when an item has no unit cost (tranches of the first rules). */
export function itemsTotalXof(items: { quantity: number; unitCostXof?: number }[]): number | undefined {
  if (items.some((i) => i.unitCostXof === undefined)) return undefined;
  return items.reduce((sum, i) => sum + i.quantity * i.unitCostXof!, 0);
}
