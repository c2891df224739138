/** Code generation: operations → migration source text, and migration names. */
export { renderMigrationFile, renderCompiledMigration, apiArguments, type MigrationFileInput } from "./migration-file";
export { migrationName, toPascalCase, hasNameCharacters, migrationClassName, migrationFileName } from "./names";
export { fileExtensionOf, type SourceFlavour } from "./source-flavour";
