import type { CatalogFile } from "./catalog-schema.js";

/**
 * The shop used when CATALOG_FILE is unset (`npm run demo`, first runs): a Nairobi grocery
 * stall, prices in Kenyan shillings as a kiosk would charge them. It goes through the same
 * validation as a catalog file.
 */
export const DEMO_SHOP: CatalogFile = {
  shop: { name: "Mama Mboga", currency: "KES", locale: "en" },
  paymentInstructions: "Pay to Till 123456 (Mama Mboga), then send a photo of the M-Pesa message or receipt.",
  products: [
    {
      sku: "SUKUMA",
      name: "Sukuma wiki (bunch)",
      price: 30,
      description: "Fresh collard greens, picked this morning",
    },
    { sku: "TOMATO1KG", name: "Tomatoes (1 kg)", price: 120 },
    { sku: "ONION1KG", name: "Red onions (1 kg)", price: 140 },
    { sku: "EGGS12", name: "Kienyeji eggs (12)", price: 450.5, description: "Free-range eggs from Kiambu" },
    { sku: "UNGA2KG", name: "Maize flour (2 kg)", price: 185, description: "Sifted, for ugali" },
    { sku: "MILK500", name: "Fresh milk (500 ml)", price: 65 },
    { sku: "AVOCADO", name: "Hass avocado", price: 25, description: "Ripe, ready to eat today" },
    { sku: "BEANS1KG", name: "Rosecoco beans (1 kg)", price: 220 },
  ],
};
