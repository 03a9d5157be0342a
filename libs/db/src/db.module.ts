import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { APP_CONFIG, AppConfig, requireDatabaseUrl } from '@app/config';
import { buildDataSourceOptions } from './data-source-options.js';
import { ChangeBus } from './change-bus.js';
import { REPOSITORIES } from './repositories/index.js';

@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        ...buildDataSourceOptions({ url: requireDatabaseUrl(config), poolMax: config.db.poolMax }),
        migrationsRun: false,
      }),
    }),
  ],
  providers: [...REPOSITORIES, ChangeBus],
  exports: [...REPOSITORIES, ChangeBus],
})
export class DbModule {}
