import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { PeopleModule } from '../people/people.module';
import { StaffController, StaffPageLocals } from './staff.controller';
import { StaffService } from './staff.service';

@Module({
  imports: [PeopleModule, AuthModule],
  controllers: [StaffController],
  providers: [StaffService, StaffPageLocals],
  exports: [StaffService],
})
export class StaffModule {}
