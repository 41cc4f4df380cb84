// `npm run receipt-key`: prints a new private receipt-signing key (a JWK on one line) for
// RECEIPT_SIGNING_KEYS. To rotate, put it first in the array and keep the old keys after it, so
// receipts they signed still verify. Goes to stdout only: nothing is written anywhere.
import { newSigningJwk } from './keys'

console.log(JSON.stringify(newSigningJwk()))
