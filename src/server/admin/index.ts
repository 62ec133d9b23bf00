export { bearerAuth } from "./auth.js";
export { ADMIN_BASE, type AdminRoutesOptions, createAdminRoutes } from "./routes.js";
