/**
 * The checksum of each step in `index.ts`, in version order (`MIGRATION_CHECKSUMS[0]` is version
 * 1). Opening a store compares the applied steps with this list in one query, without loading the
 * steps or hashing them; any difference takes the full migration path, which hashes the steps and
 * refuses a changed one. A test keeps this list equal to the steps' own checksums: adding or
 * editing a step means updating it.
 */
export const MIGRATION_CHECKSUMS: readonly string[] = [
  "cb30b443c1cc86baf57a3880b6772d21675ba4992257951509394dee93de4514",
  "6ea84ed46540a50dff50825059050e549050b7373603568b4289111ba440a9aa",
  "e21d68f353f792f460db8bbcece51bd1ee29be989fed8f712814f131a8ab2884",
  "2ad90e6d7207788a316637a440f0ad54355df0f4bc2deab0baebc8990b5ba617",
  "ad91f30835cf9f333c20373f5a96b771dbcea6682e97bcb91f679c179a9994ee",
  "34bb296c0546bff89bac698092c3d78175ffc7351a9c60f6345e0670d13fba65",
]
