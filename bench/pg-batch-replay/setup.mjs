// setup.mjs DIR N: a PostgreSQL project of N pending tiny migrations (one CREATE TABLE each), as bench/many-migrations.mjs writes them.
import { resetProject, writeProject } from "../project.mjs";
import { writeTinyMigrations } from "../tiny-migrations.mjs";
const [dir, n] = [process.argv[2], Number(process.argv[3])];
writeProject(dir, { dialect: "postgres", n: 0 });
resetProject(dir);
writeTinyMigrations(dir, n, { up: (i) => `\`CREATE TABLE "tiny_${i}" ("id" integer)\``, down: (i) => `\`DROP TABLE "tiny_${i}"\`` });
