// How a technician is named outside the fleet: a first name and the van, never a surname or a phone number.

/** Who is coming, as the customer is told (the assignment SMS, the intake's answer, the tracking page). */
export interface VisitingTechnician {
  firstName: string;
  van: string;
}

/** The first word of a technician's name, as customers and the live map see it; null for a blank name. */
export function firstNameOf(name: string): string | null {
  return name.trim().split(/\s+/)[0] || null;
}

/** The customer is told who is coming even when the directory has no profile (or a blank name): a message still reads. */
export const unnamedTechnician: VisitingTechnician = { firstName: 'Your technician', van: 'TyreHero van' };

/** A technician as the customer is told about them, with `fallback` for whatever their profile does not say. */
export function visitingTechnician(
  profile: { name: string; van: string } | undefined,
  fallback: VisitingTechnician = unnamedTechnician,
): VisitingTechnician {
  return {
    firstName: (profile && firstNameOf(profile.name)) ?? fallback.firstName,
    van: profile?.van ?? fallback.van,
  };
}
