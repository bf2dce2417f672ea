// The bloomfilter package ships no types: the part of its API the importer uses.
declare module "bloomfilter" {
  export class BloomFilter {
    constructor(bits: number, hashes: number);
    /** A filter sized for `n` items at false-positive rate `p`. */
    static withTargetError(n: number, p: number): BloomFilter;
    add(value: string): void;
    /** False: certainly never added; true: maybe. */
    test(value: string): boolean;
  }
}
