import { Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { CatalogModule } from '../catalog/catalog.module';
import { LicensesModule } from '../licenses/licenses.module';
import { AdminDownloadsController, NewReleasePageLocals } from './admin-downloads.controller';
import { DownloadLinks } from './download-links';
import { DownloadsController } from './downloads.controller';
import { DownloadsRepository } from './downloads.repository';
import { DownloadsService } from './downloads.service';
import { InstallerUploadMiddleware } from './installer-upload';

@Module({
  imports: [CatalogModule, LicensesModule],
  controllers: [DownloadsController, AdminDownloadsController],
  providers: [DownloadsService, DownloadsRepository, DownloadLinks, NewReleasePageLocals],
  exports: [DownloadsService],
})
export class DownloadsModule implements NestModule {
  // The installer arrives as multipart: read (to a temporary file) before the guards check its CSRF field.
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(InstallerUploadMiddleware).forRoutes({ path: 'admin/downloads/new', method: RequestMethod.POST });
  }
}
