// Puppeteer comes with whatsapp-web.js and reads this file when it installs and when it runs.
// Duka drives the system Chromium (CHROMIUM_PATH), so puppeteer never downloads a browser.
/** @type {import("puppeteer").Configuration} */
module.exports = { skipDownload: true };
