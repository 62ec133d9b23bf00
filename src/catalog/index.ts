export { type CatalogFile, catalogFileSchema, MAX_PRODUCTS, SKU_PATTERN } from "./catalog-schema.js";
export { DEMO_SHOP } from "./demo-shop.js";
export {
  formatPath,
  type LoadCatalogOptions,
  loadCatalog,
  type ParseCatalogOptions,
  parseCatalog,
} from "./load-catalog.js";
export type { Catalog, Product, Shop } from "./types.js";
