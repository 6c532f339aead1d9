export { FileKeyStore } from './file-key-store.js';
