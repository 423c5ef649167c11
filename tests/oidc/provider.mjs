// A real OpenID Connect provider on loopback for the sign-in tests (oidc-provider with its development sign-in
// pages: any login is accepted and becomes the account's e-mail address).
//   node provider.mjs PORT CLIENT_ID CLIENT_SECRET REDIRECT_URI
// An account whose login starts with "unverified" has an e-mail address the provider has not verified.
import Provider from 'oidc-provider';

const [port, clientId, clientSecret, redirectUri] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [{
    client_id: clientId,
    client_secret: clientSecret,
    redirect_uris: [redirectUri],
    response_types: ['code'],
    grant_types: ['authorization_code'],
  }],
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  async findAccount(ctx, id) {
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          email: id.replace(/^unverified\+/, ''),
          email_verified: !id.startsWith('unverified'),
          name: id.split('@')[0].replace(/[._]/g, ' '),
        };
      },
    };
  },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['outside-in-test-provider'] },
});
provider.listen(Number(port), '127.0.0.1', () => {
  console.log(`ready ${issuer}`);
});
