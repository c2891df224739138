/**
 * The example app's DataSource, read by Athanor (and by TypeORM's own CLI).
 * SQLite file data/app.sqlite by default; set DATABASE_URL=postgres://… to
 * use PostgreSQL, or mysql://… / mariadb://… to use MySQL or MariaDB (the
 * mysql2 package). Credentials come only from the environment.
 */
import "reflect-metadata";
import { DataSource } from "typeorm";
import { GameSession } from "./entities/GameSession";
import { Leaderboard } from "./entities/Leaderboard";
import { LeaderboardEntry } from "./entities/LeaderboardEntry";
import { RefreshToken } from "./entities/RefreshToken";
import { User } from "./entities/User";

const entities = [User, RefreshToken, GameSession, Leaderboard, LeaderboardEntry];
const migrations = ["migrations/*.ts"];
const url = process.env.DATABASE_URL;
// The URL's scheme names the database: mysql:// and mariadb:// are TypeORM's drivers of those names.
const type = url?.startsWith("mariadb://") ? "mariadb" : url?.startsWith("mysql://") ? "mysql" : "postgres";

export default url
  ? new DataSource({ type, url, entities, migrations })
  : new DataSource({ type: "sqlite", database: "data/app.sqlite", entities, migrations });
