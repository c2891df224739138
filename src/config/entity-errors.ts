/**
 * Failures while TypeORM loads and validates the entities (the step of
 * DataSource.initialize() after the driver connected): a broken entity is a
 * configuration error (exit 2) to fix in code, not a database failure.
 */
import { UsageError } from "../errors";
import { describeLoadFailure, fileToFix, formatLoadFailure } from "../loader/load-error";
import { LoaderSetupError } from "../loader/typescript-compiler";

export function explainEntityError(error: unknown, cwd: string, dataSourceFile: string): UsageError {
  if (error instanceof LoaderSetupError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // TypeORM's DataTypeNotSupportedError, said the way a user fixes it.
  const type = /Data type "([^"]*)" in "([^"]*)" is not supported by "([^"]*)" database/.exec(message);
  if (type) {
    const [, dataType, column, database] = type;
    return new UsageError(
      `Column ${column} has type "${dataType}", which ${database} does not have: give it a type ${database} supports in its @Column decorator.`,
    );
  }
  // TypeORM's refusal of a VIRTUAL generated column on PostgreSQL, with the fix.
  const virtual = /Column "([^"]*)" of Entity "([^"]*)" is defined as VIRTUAL, but Postgres supports only STORED generated columns/.exec(
    message,
  );
  if (virtual) {
    const [, column, entity] = virtual;
    return new UsageError(
      `Column ${entity}.${column} is a VIRTUAL generated column (asExpression without generatedType: "STORED"), which PostgreSQL does not have: declare it with generatedType: "STORED" in its @Column decorator.`,
    );
  }
  const failure = describeLoadFailure(error, cwd);
  return new UsageError(
    `The entities of the DataSource in ${dataSourceFile} could not be loaded: ${formatLoadFailure(failure)}: fix ${
      failure.at ? fileToFix(failure, dataSourceFile) : "the entity it names"
    } and run again.`,
  );
}
