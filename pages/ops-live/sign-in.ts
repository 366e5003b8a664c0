// Operations sign-in for /ops/live. In AWS: Cognito's hosted sign-in (OPS_SIGN_IN_URL, the stack's OpsSignInUrl output),
// authorization code flow with PKCE, as the page's public app client expects. Locally: a token from `npm run token`,
// pasted. Either way the access token is kept in sessionStorage: this tab only, gone when it closes.
const tokenKey = 'tyrehero-ops-token';
const pendingKey = 'tyrehero-ops-sign-in';

const base64url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const random = (size: number) => base64url(crypto.getRandomValues(new Uint8Array(size)));

/** The hosted sign-in's authorize URL for this stage; undefined locally. */
export const hostedSignInUrl = (): string | undefined =>
  document.querySelector<HTMLMetaElement>('meta[name="ops-sign-in-url"]')?.content || undefined;

export const storedToken = (): string | undefined => sessionStorage.getItem(tokenKey) ?? undefined;
export const keepToken = (token: string) => sessionStorage.setItem(tokenKey, token);
export const forgetToken = () => sessionStorage.removeItem(tokenKey);

/** Sends the browser to the hosted sign-in with a fresh state and PKCE verifier, both kept in this tab for the way back. */
export async function startHostedSignIn(hosted: string): Promise<void> {
  const verifier = random(32);
  const state = random(16);
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(pendingKey, JSON.stringify({ verifier, state }));
  const authorize = new URL(hosted);
  authorize.searchParams.set('state', state);
  authorize.searchParams.set('code_challenge', challenge);
  authorize.searchParams.set('code_challenge_method', 'S256');
  location.assign(authorize.toString());
}

/**
 * Back from the hosted sign-in (?code=…&state=…): checks the state is this tab's, then swaps the code and the verifier
 * for tokens at the same domain's token endpoint. False when the address carries no code.
 */
export async function finishHostedSignIn(hosted: string): Promise<boolean> {
  const answer = new URLSearchParams(location.search);
  const code = answer.get('code');
  const error = answer.get('error');
  if (!code && !error) return false;
  // The code is single-use: off the address bar at once, so a reload or a shared link cannot replay it.
  history.replaceState(null, '', location.pathname);
  const pending = JSON.parse(sessionStorage.getItem(pendingKey) ?? 'null') as {
    verifier: string;
    state: string;
  } | null;
  sessionStorage.removeItem(pendingKey);
  if (error) throw new Error(`Sign-in was refused (${error}). Try again, or ask for your account to be checked.`);
  if (!pending || pending.state !== answer.get('state'))
    throw new Error('That sign-in did not start in this tab. Sign in again.');
  const authorize = new URL(hosted);
  const response = await fetch(new URL('/oauth2/token', authorize.origin), {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: authorize.searchParams.get('client_id') ?? '',
      redirect_uri: authorize.searchParams.get('redirect_uri') ?? '',
      code: code!,
      code_verifier: pending.verifier,
    }),
  });
  const tokens = (await response.json().catch(() => ({}))) as { access_token?: string };
  if (!response.ok || !tokens.access_token)
    throw new Error(`Sign-in could not be completed (${response.status}). Sign in again.`);
  keepToken(tokens.access_token);
  return true;
}
