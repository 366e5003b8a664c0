// Who a technician is (name, phone, van), from the system of record.
export interface TechnicianProfile {
  id: string;
  name: string;
  phone: string;
  van: string;
  active: boolean;
}

export interface TechnicianDirectory {
  findTechnician(id: string): Promise<TechnicianProfile | undefined>;
}
