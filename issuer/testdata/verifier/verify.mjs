// An independent check of the registry's credentials: the Digital Credentials Consortium's
// verifier libraries, offline. The did:web document is given to the loader; no context or key
// is fetched. Usage: node verify.mjs CREDENTIAL.json DID.json [STATUSLIST.json]
// With a status list, the revocation status is checked too (and the list's own signature).
// Prints {"verified": true|false, "revoked": true|false, "error": "..."} and exits 0 either way.
import {readFileSync} from 'node:fs';
import * as vc from '@digitalcredentials/vc';
import {DataIntegrityProof} from '@digitalcredentials/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalcredentials/eddsa-rdfc-2022-cryptosuite';
import {securityLoader} from '@digitalcredentials/security-document-loader';
import {checkStatus} from '@digitalcredentials/vc-bitstring-status-list';

const [credFile, didFile, statusFile] = process.argv.slice(2);
const credential = JSON.parse(readFileSync(credFile, 'utf8'));
const didDoc = JSON.parse(readFileSync(didFile, 'utf8'));

const loader = securityLoader({fetchRemoteContexts: false});
loader.addStatic(didDoc.id, didDoc);
for (const vm of didDoc.verificationMethod) {
  loader.addStatic(vm.id, {'@context': 'https://w3id.org/security/multikey/v1', ...vm});
}
if (statusFile) {
  const list = JSON.parse(readFileSync(statusFile, 'utf8'));
  loader.addStatic(list.id, list);
}
const documentLoader = loader.build();
const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022});

try {
  const result = await vc.verifyCredential({credential, suite, documentLoader, ...(statusFile ? {checkStatus} : {})});
  const status = result.statusResult?.results?.[0];
  const revoked = status ? !status.verified : false;
  const error = result.verified ? '' : JSON.stringify(result.error?.errors?.map(e => e.message) ?? result.error?.message ??
    result.statusResult?.error?.message ?? (revoked ? 'revoked' : result));
  console.log(JSON.stringify({verified: result.verified, revoked, error}));
} catch (e) {
  console.log(JSON.stringify({verified: false, error: String(e && e.message || e)}));
}
