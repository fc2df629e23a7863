import type { StaffRecipient, WarningRecipients } from './activities.ts';

/**
 * A staff directory from configuration: `audience` or `audience@department` → accounts with phones
 * (the more specific key wins). The citizen's phone comes from a resolver over the PII vault.
 *
 * @example
 *   createDirectoryRecipients({ staff: { dispatchers: [{ id: 'u1', phone: '138…' }] }, citizenPhone: (ref) => vaultLookup(ref) })
 */
export const createDirectoryRecipients = (config: {
  readonly staff: Readonly<Record<string, readonly StaffRecipient[]>>;
  readonly citizenPhone: (contactRef: string) => Promise<string | null>;
}): WarningRecipients => ({
  staff: async (audience, department) =>
    (department !== null ? config.staff[`${audience}@${department}`] : undefined) ?? config.staff[audience] ?? [],
  citizenPhone: config.citizenPhone,
});
