import { Module } from '@nestjs/common';
import { CatalogController, ProductPageLocals } from './catalog.controller';
import { CatalogRepository } from './catalog.repository';
import { CatalogService } from './catalog.service';

@Module({
  controllers: [CatalogController],
  providers: [CatalogService, CatalogRepository, ProductPageLocals],
  exports: [CatalogService],
})
export class CatalogModule {}
