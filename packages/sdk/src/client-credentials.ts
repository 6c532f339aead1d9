/** What authenticates one client (device): sent as a header or the first WebSocket frame, never in a URL. */
export interface ClientCredentials {
  client_hash: string;
  access_token: string;
}
