/**
 * Where an opened project gets the schema its entities describe, and all the
 * TypeORM surgery that makes getting it cheap: `openProject`
 * (commands/project.ts) connects, locks and closes; this owns the rest.
 *
 * - Deferring the entities: `initialize()` connects without loading the
 *   entity files or building TypeORM's metadata for them (the slowest part
 *   of connecting); `loadMetadata()` does it later, if at all.
 * - The entity model cache (model-cache.ts): what loading the DataSource file
 *   and building the metadata read is recorded (input-recorder.ts), and a
 *   later run in which none of it changed gets the model without either.
 * - Building the metadata faster (indexed-args.ts, native-sha1.ts), and
 *   telling a broken entity (exit 2) from a connection failure (exit 3) by
 *   the step of `initialize()` that threw.
 *
 * Every change to the project's DataSource is undone by `restore()` (its
 * options) or is a wrapper of `buildMetadatas` that changes nothing but
 * speed; see README.md in this folder.
 */
import type { DataSource } from "typeorm";
import type { ProjectConfig } from "../config/load";
import { AthanorError } from "../errors";
import { cacheDirectory } from "../loader/transpile-cache";
import { transpiledInBackground } from "../loader/typescript-loader";
import { memoryRunPrefix } from "../loader/native-transpile";
import { schemaFromEntities, type EntitySchemaOptions } from "../metadata";
import { profilePhase } from "../profile";
import { indexArgsWhileBuilding } from "./indexed-args";
import { InputRecorder } from "./input-recorder";
import { ModelCache, modelCacheEnabled, type EntityModel } from "./model-cache";
import { nativeSha1WhileBuilding, withNativeSha1 } from "./native-sha1";

export interface EntityModelSourceOptions {
  /** The directory the command runs in (the cache lives above it). */
  cwd: string;
  /**
   * Connect without loading entities or building TypeORM's metadata for
   * them; `loadMetadata()` (or `model()`) does it when it is needed.
   */
  defer: boolean;
  /**
   * Answer `model()` from the entity model cache when nothing it was built
   * from has changed; implies `defer`. Only a DataSource file is loaded in a
   * way that can be recorded (a DataSource object handed to the API was made
   * by code nobody saw run), so pass false for one. Off with ATHANOR_MODEL_CACHE=0.
   */
  remember: boolean;
}

export interface AttachOptions {
  /** Whether the DataSource is Athanor's to initialize (false: the caller's, already connected). */
  ours: boolean;
  /** What the dialect adds to the model (everything but the default schema). */
  schemaOptions: Omit<EntitySchemaOptions, "defaultSchema">;
  /** The error to throw for a failure of the deferred metadata build that is not already an AthanorError. */
  failed(error: unknown): AthanorError;
}

type InitializeStep = "connect" | "entities" | "after";

export class EntityModelSource {
  /** Records what loading the DataSource file reads: hand it to `loadProject`. */
  readonly recorder?: InputRecorder;
  /** Whether the entity globs are to be left unloaded by `loadProject` (they load with the metadata). */
  readonly defersMetadata: boolean;
  private dataSource?: DataSource;
  private entityGlobs: string[] = [];
  private deferred?: DeferredEntities;
  private modelCache?: ModelCache;
  private schemaOptions: AttachOptions["schemaOptions"] = {};
  /** Where TypeORM's SHA-1 is looked up (native-sha1.ts), for a DataSource that is Athanor's to build. */
  private sha1Cwd?: string;
  /** Until attached there is nothing deferred to fail. */
  private failed: (error: unknown) => unknown = (error) => error;
  private step: () => InitializeStep = () => "connect";
  private readonly models = new Map<string | undefined, Promise<EntityModel>>();

  constructor(options: EntityModelSourceOptions) {
    this.defersMetadata = options.defer || options.remember;
    const runs = memoryRunPrefix();
    this.recorder =
      options.remember && modelCacheEnabled()
        ? new InputRecorder(options.cwd, [cacheDirectory(options.cwd)], runs ? [runs] : [])
        : undefined;
  }

  /**
   * Take over the entities of the loaded project's DataSource before it is
   * initialized: defer them (or load the entity globs now), and wrap its
   * metadata build. Call once, right after loading.
   */
  attach(config: ProjectConfig, options: AttachOptions): void {
    const { dataSource } = config;
    this.dataSource = dataSource;
    this.entityGlobs = config.entityGlobs;
    this.schemaOptions = options.schemaOptions;
    this.failed = options.failed;
    this.deferred = options.ours && this.defersMetadata ? deferEntities(dataSource, config.loadEntityGlobs) : undefined;
    // The model can be remembered only when everything that built it was
    // recorded: the DataSource file's loading and the deferred metadata build.
    this.modelCache = this.recorder && this.deferred ? new ModelCache(cacheDirectory(config.cwd), config.dataSourceFile) : undefined;
    if (!this.deferred) config.loadEntityGlobs();
    if (options.ours) {
      indexArgsWhileBuilding(dataSource);
      nativeSha1WhileBuilding(dataSource, config.cwd);
      this.sha1Cwd = config.cwd;
    }
    this.step = trackInitializeStep(dataSource);
  }

  /**
   * Whether the deferred build would install subscribers (the DataSource
   * lists some): they see every query, migration SQL included.
   */
  defersSubscribers(): boolean {
    return !!this.deferred && !this.deferred.loaded && this.deferred.subscribers;
  }

  /** Whether the last `initialize()` (or deferred build) failed while TypeORM loaded and validated the entities. */
  failedWhileBuildingEntities(): boolean {
    return this.step() === "entities";
  }

  /**
   * Build TypeORM's entity metadata if it was deferred; call before running
   * migration code, which may use repositories or the connection's metadata.
   */
  async loadMetadata(): Promise<void> {
    const deferred = this.deferred;
    if (!deferred || deferred.loaded) return;
    deferred.loaded = true;
    // The same failure initialize() would have reported had it built them.
    // (An entity file that fails to load is already explained.)
    await deferred.load().catch((error) => {
      throw error instanceof AthanorError ? error : this.failed(error);
    });
    profilePhase("build TypeORM entity metadata");
  }

  /**
   * The schema the entities describe (table names qualified relative to
   * `defaultSchema`), from the entity model cache when nothing it was built
   * from has changed, else from TypeORM's metadata (built now if deferred).
   * Worked out once per default schema: generate compares again after each
   * rename answer.
   */
  model(defaultSchema: string | undefined): Promise<EntityModel> {
    let model = this.models.get(defaultSchema);
    if (!model) {
      model = this.modelOf(defaultSchema);
      this.models.set(defaultSchema, model);
    }
    return model;
  }

  /** Give the DataSource its entities and subscribers back (on close, or when initialize() failed). */
  restore(): void {
    this.deferred?.restore();
  }

  private async modelOf(defaultSchema: string | undefined): Promise<EntityModel> {
    const remembered = this.modelCache?.lookup(defaultSchema);
    if (remembered) {
      profilePhase("entity model (cache: nothing changed)");
      return remembered;
    }
    const build = async (): Promise<EntityModel> => {
      await this.loadMetadata();
      const metadatas = this.dataSource!.entityMetadatas;
      const schemaOf = () => schemaFromEntities(metadatas as any, { defaultSchema, ...this.schemaOptions });
      return { schema: this.sha1Cwd ? withNativeSha1(this.sha1Cwd, schemaOf) : schemaOf(), entityCount: metadatas.length };
    };
    const { modelCache, recorder } = this;
    if (!modelCache || !recorder) return build();
    const model = await recorder.during(build);
    modelCache.store(recorder.inputs(), this.entityGlobs, defaultSchema, model);
    return model;
  }
}

interface DeferredEntities {
  loaded: boolean;
  /** Whether the DataSource lists any subscriber (a class or a glob). */
  subscribers: boolean;
  load(): Promise<void>;
  restore(): void;
}

/**
 * Take the entities and subscribers out of the DataSource's options so that
 * `initialize()` connects without loading or building them; `load()` puts
 * them back and builds them as `initialize()` would have (TypeORM's
 * `buildMetadatas`, then the driver's `afterConnect`, which installs the
 * extensions the entities need). With a TypeORM that lacks either method,
 * nothing is deferred.
 */
function deferEntities(dataSource: DataSource, loadEntityGlobs: () => void): DeferredEntities | undefined {
  const internals = dataSource as any;
  if (typeof internals.buildMetadatas !== "function" || typeof internals.driver?.afterConnect !== "function") return undefined;
  const { entities, subscribers } = dataSource.options as any;
  dataSource.setOptions({ entities: [], subscribers: [] } as any);
  const restore = () => dataSource.setOptions({ entities, subscribers } as any);
  return {
    loaded: false,
    subscribers: Array.isArray(subscribers) ? subscribers.length > 0 : !!subscribers && Object.keys(subscribers).length > 0,
    async load() {
      restore();
      // The entity files the native compiler transpiles in the background on a cold cache (config/load.ts).
      await transpiledInBackground();
      loadEntityGlobs();
      // buildMetadatas() also loads options.migrations, which openProject has
      // given back by now; Athanor loads migrations itself (TypeORM would
      // import() an ESM project's TypeScript natively, and fail).
      const { migrations } = dataSource.options as any;
      dataSource.setOptions({ migrations: [] } as any);
      try {
        await internals.buildMetadatas();
      } finally {
        dataSource.setOptions({ migrations } as any);
      }
      await internals.driver.afterConnect();
    },
    // The DataSource is the project's object (the programmatic API may be
    // handed one): leave its options as they were.
    restore,
  };
}

/**
 * TypeORM's initialize() connects the driver, then loads and validates the
 * entities (buildMetadatas), then runs driver set-up. Which step threw tells
 * a connection failure (exit 3) from a broken entity (exit 2); the hook only
 * records the step and changes nothing.
 */
function trackInitializeStep(dataSource: unknown): () => InitializeStep {
  let step: InitializeStep = "connect";
  const ds = dataSource as { buildMetadatas?: (...args: unknown[]) => Promise<unknown> };
  const build = ds.buildMetadatas;
  if (typeof build === "function") {
    ds.buildMetadatas = async function (this: unknown, ...args: unknown[]) {
      step = "entities";
      const result = await build.apply(this, args);
      step = "after";
      return result;
    };
  }
  return () => step;
}
