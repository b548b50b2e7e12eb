import { expect } from 'chai';
import { newId } from '../../src';

describe('newId', () => {
  it('gives prefixed ULIDs, unique and in creation order, across many refills of the random pool', () => {
    const ids = Array.from({ length: 20_000 }, () => newId('tr'));
    for (const id of ids) expect(id).to.match(/^tr_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(new Set(ids).size).to.equal(ids.length);
    expect([...ids].sort()).to.deep.equal(ids);
  });
});
