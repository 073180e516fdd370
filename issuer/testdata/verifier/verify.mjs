// An independent check of the registry's credentials: the Digital Credentials Consortium's
// verifier libraries, offline. The did:web document is given to the loader; no context or key
// is fetched. Usage: node verify.mjs CREDENTIAL.json DID.json
// Prints {"verified": true|false, "error": "..."} and exits 0 either way.
import {readFileSync} from 'node:fs';
import * as vc from '@digitalcredentials/vc';
import {DataIntegrityProof} from '@digitalcredentials/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalcredentials/eddsa-rdfc-2022-cryptosuite';
import {securityLoader} from '@digitalcredentials/security-document-loader';

const [credFile, didFile] = process.argv.slice(2);
const credential = JSON.parse(readFileSync(credFile, 'utf8'));
const didDoc = JSON.parse(readFileSync(didFile, 'utf8'));

const loader = securityLoader({fetchRemoteContexts: false});
loader.addStatic(didDoc.id, didDoc);
for (const vm of didDoc.verificationMethod) {
  loader.addStatic(vm.id, {'@context': 'https://w3id.org/security/multikey/v1', ...vm});
}
const documentLoader = loader.build();
const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});

try {
  const result = await vc.verifyCredential({credential, suite, documentLoader});
  const error = result.verified ? '' : JSON.stringify(result.error?.errors?.map(e => e.message) ?? result.error?.message ?? result);
  console.log(JSON.stringify({verified: result.verified, error}));
} catch (e) {
  console.log(JSON.stringify({verified: false, error: String(e && e.message || e)}));
}
