/** A port: the anti-phishing phrase of whoever reads mail at an address, answered by the people module. */
export abstract class RecipientPhrases {
  abstract phraseForAddress(address: string): Promise<string | null>;
}
