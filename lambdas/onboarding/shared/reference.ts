/**
 * Reference data of the catalog, applied on every deploy by the catalog-migrator (and by
 * `npm run db:migrate` locally): the category whitelist. Vendors come from the environment's
 * `onboarding.vendors`. Edit this list to add a category or change a description; the next
 * deploy applies it (the stack re-invokes the migrator when this data changes).
 */
export interface ReferenceCategory {
  /** product_categories.category_name (matched case-insensitively with existing rows). */
  readonly name: string;
  readonly description: string;
}

/** Seed 002, section 6: the sample categories. */
export const CATEGORIES: readonly ReferenceCategory[] = [
  { name: 'Electronics', description: 'Electronic devices and gadgets' },
  { name: 'Computer Accessories', description: 'Peripherals and accessories for computers' },
  { name: 'Clothing', description: 'Apparel items' },
];
