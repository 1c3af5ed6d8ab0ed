-- Seed 002, section 6: the category whitelist starts with the seed's sample categories.
-- Vendors are business data and are not seeded here.
INSERT INTO product_categories (category_name, description) VALUES
  ('Electronics', 'Electronic devices and gadgets'),
  ('Computer Accessories', 'Peripherals and accessories for computers'),
  ('Clothing', 'Apparel items')
ON CONFLICT (category_name) DO NOTHING;
