// The receipt-signing keys of the tests' stores: one made per test process, so every store a test
// opens and every app it builds sign and serve the same key, as instances sharing a store do.
import { newSigningJwk, ReceiptKeys } from '../../server/receipts/keys'

export const TEST_SIGNING_JWK = newSigningJwk()
export const testReceiptKeys = new ReceiptKeys([TEST_SIGNING_JWK])
