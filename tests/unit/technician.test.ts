import { describe, expect, it } from 'vitest';
import { firstNameOf, unnamedTechnician, visitingTechnician } from '#shared/domain/technician.js';

describe('firstNameOf', () => {
  it.each([
    ['Sam Patel', 'Sam'],
    ['  Aled   ap Rhys ', 'Aled'],
    ['Cher', 'Cher'],
    ['   ', null],
  ])('%j → %j', (name, first) => expect(firstNameOf(name)).toBe(first));
});

describe('visitingTechnician', () => {
  const reassigned = { firstName: 'Your new technician', van: 'TyreHero van' };
  it.each([
    {
      why: 'a first name and the van, never the surname',
      profile: { name: 'Sam Patel', van: 'white Ford Transit' },
      fallback: undefined,
      shown: { firstName: 'Sam', van: 'white Ford Transit' },
    },
    {
      why: 'the first word however the name is spaced',
      profile: { name: '  Aled   ap Rhys ', van: 'blue Vivaro' },
      fallback: undefined,
      shown: { firstName: 'Aled', van: 'blue Vivaro' },
    },
    { why: 'no profile: the fallback', profile: undefined, fallback: undefined, shown: unnamedTechnician },
    {
      why: 'a blank name: the fallback name, their own van',
      profile: { name: '   ', van: 'white Ford Transit' },
      fallback: undefined,
      shown: { firstName: 'Your technician', van: 'white Ford Transit' },
    },
    { why: 'no profile, with a caller’s own fallback', profile: undefined, fallback: reassigned, shown: reassigned },
  ])('$why', ({ profile, fallback, shown }) => {
    expect(visitingTechnician(profile, fallback)).toEqual(shown);
  });
});

describe('the fallback van', () => {
  // The SMS says "is coming to you in a ${van}": the fallback once read "in a a TyreHero van".
  it("reads once after the SMS's own article", () => {
    expect(`in a ${unnamedTechnician.van}`).toBe('in a TyreHero van');
  });
});
