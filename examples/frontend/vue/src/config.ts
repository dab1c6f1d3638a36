// Where plotboard runs and the embed token. In a real app your backend mints the token for the
// signed-in user (docs/embedding.md); here both come from the page's query string
// (?server=https://analytics.example.com&token=eyJ...), which the tests fill in.
export function readConfig(): { serverUrl: string; authToken: string } {
  const params = new URLSearchParams(window.location.search);
  return { serverUrl: params.get('server') ?? '', authToken: params.get('token') ?? '' };
}
