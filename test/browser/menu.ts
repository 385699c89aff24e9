/**
 * The grouped main navigation (issue 12 item 9) as a person uses it: a page in a group is reached
 * by opening the group's sub-menu (a button), then following the link.
 */
import type { Locator, Page } from 'playwright-core';

export const menuPrincipal = (page: Page): Locator => page.getByRole('navigation', { name: 'Menu principal' });

/**
 * Follows the menu to the page `nom`: opens its group (a button) if needed, then the link. Right
 * after a page change the DSFR script may not have bound the new menu yet: it tries again.
 */
export async function allerAuMenu(page: Page, nom: string): Promise<void> {
  const menu = menuPrincipal(page);
  const lien = menu.getByRole('link', { name: nom, exact: true, includeHidden: true });
  await lien.waitFor({ state: 'attached' });
  // The inner locator of `has` is relative to each item: from the page, not from the menu.
  const dansLeGroupe = page.getByRole('link', { name: nom, exact: true, includeHidden: true });
  const groupe = menu.locator('li.fr-nav__item').filter({ has: dansLeGroupe }).locator(':scope > button.fr-nav__btn');
  const visible = menu.getByRole('link', { name: nom, exact: true });
  if ((await groupe.count()) === 0) return visible.click();
  for (let essai = 0; ; essai++) {
    if (!(await visible.isVisible())) await groupe.click();
    try {
      await visible.click({ timeout: 2_000 });
      return;
    } catch (e) {
      if (essai >= 5) throw e;
    }
  }
}

/** The top entries of the menu as shown: links and group buttons, in order. */
export function entreesDuMenu(page: Page): Promise<string[]> {
  return menuPrincipal(page)
    .locator('ul.fr-nav__list > li.fr-nav__item > :is(a.fr-nav__link, button.fr-nav__btn)')
    .allTextContents();
}
